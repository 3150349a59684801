---
dlm_id: 01KPM5CXB51GRX86Q25AKERN6E
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
training:
  sequence_len: 512
---

# Python decorators

A decorator is a function that takes another function and returns a new
function that usually wraps the original one. The `@name` syntax above a
`def` applies the decorator when the function is defined.

```python
def shout(fn):
    def wrapper(*args):
        return fn(*args).upper()
    return wrapper
```

`functools.wraps` copies the wrapped function's name and docstring onto the
wrapper, so tracebacks and help() still show the original name.

::instruction::
### Q
What is a decorator?
### A
A function that takes another function and returns a new function, usually
one that wraps the original.

### Q
When is a decorator applied?
### A
When the decorated function is defined: `@name` above `def` runs the
decorator once, at definition time.

::preference::
### Prompt
Why use functools.wraps in a decorator?
### Chosen
It copies the wrapped function's name and docstring onto the wrapper, so
tracebacks and help() show the original function.
### Rejected
It makes the decorator run faster.
