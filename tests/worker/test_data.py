"""Training data from documents: examples, routing, held-out split, replay (no torch)."""

from __future__ import annotations

import pytest
from dlmls.core.document import Document
from dlmls.worker import data
from dlmls.worker.data import DataError, Example

pytestmark = pytest.mark.usefixtures("no_network")

HEAD = "---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\nbase_model: smollm2-135m\n{extra}---\n"


def doc(body: str, extra: str = "") -> object:
    return Document(HEAD.format(extra=extra) + body).model


def pairs(n: int, start: int = 0) -> str:
    return "::instruction::\n" + "\n".join(f"### Q\nquestion {i}?\n### A\nanswer {i}.\n" for i in range(start, n))


def test_examples_from_sections():
    model = doc("Some prose.\n\n" + pairs(2) + "::preference::\n### Prompt\np\n### Chosen\nc\n### Rejected\nr\n"
                "::image path=\"x.png\" alt=\"x\"::\n", "system_prompt: Be brief.\n")
    (d,) = data.build(model)
    assert d.adapter is None
    assert [e.kind for e in d.train] == ["text", "chat", "chat"]
    assert d.train[0].text == "Some prose."
    assert d.train[1] == Example("chat", prompt="question 0?", answer="answer 0.", system="Be brief.",
                                 section_id=d.train[1].section_id)
    assert d.held_out == []
    assert any("preference triple not trained" in n for n in d.notes)
    assert any("image section skipped" in n for n in d.notes)


def test_nothing_to_train_is_an_error():
    with pytest.raises(DataError, match="nothing to train"):
        data.build(doc("::preference::\n### Prompt\np\n### Chosen\nc\n### Rejected\nr\n"))


def test_single_adapter_document_rejects_suffix():
    with pytest.raises(DataError, match="declares no `training.adapters`"):
        data.build(doc("::instruction#tone::\n### Q\nq\n### A\na\n"))


MULTI = "training:\n  adapters:\n    knowledge: {}\n    tone: {lora_r: 4}\n"


def test_multi_adapter_routing_follows_dlm():
    body = ("Shared prose.\n::prose#tone::\nTone prose.\n::instruction::\n### Q\nq1\n### A\na1\n"
            "::instruction#tone::\n### Q\nq2\n### A\na2\n")
    by = {d.adapter: d for d in data.build(doc(body, MULTI))}
    # Unsuffixed prose trains every adapter; unsuffixed pairs the first declared one.
    assert [e.text or e.prompt for e in by["knowledge"].train] == ["Shared prose.", "q1"]
    assert [e.text or e.prompt for e in by["tone"].train] == ["Shared prose.", "Tone prose.", "q2"]
    only = data.build(doc(body, MULTI), only=["tone"])
    assert [d.adapter for d in only] == ["tone"]
    with pytest.raises(DataError, match="not declared"):
        data.build(doc(body, MULTI), only=["nope"])
    with pytest.raises(DataError, match="not declared"):
        data.build(doc("::instruction#other::\n### Q\nq\n### A\na\n", MULTI))


def test_split_is_by_content_and_stable():
    few = data.build(doc(pairs(data.MIN_PAIRS_FOR_EVAL - 1)))[0]
    assert few.held_out == []
    many = data.build(doc(pairs(40)))[0]
    held = {e.prompt for e in many.held_out}
    assert 1 <= len(held) <= 10
    assert not held & {e.prompt for e in many.train}
    # Adding pairs and reordering never moves an existing pair across the split.
    more = data.build(doc(pairs(60, 40) + pairs(40)))[0]
    assert {e.prompt for e in more.held_out} >= held
    assert {e.prompt for e in more.held_out} & {f"question {i}?" for i in range(40)} == held
    # The seed does not change the split.
    assert {e.prompt for e in data.build(doc(pairs(40)), seed=7)[0].held_out} == held


def test_split_keeps_one_back_and_caps():
    exs = [Example("chat", prompt=f"q{i}", answer="a") for i in range(data.MIN_PAIRS_FOR_EVAL)]
    train, held = data.split_held_out(exs)
    assert len(held) == 1 and len(train) == len(exs) - 1
    assert data.split_held_out(list(reversed(exs)))[1] == held


def test_duplicates_are_dropped():
    (d,) = data.build(doc(pairs(2) + pairs(2)))
    assert len(d.train) == 2


def test_data_hash_tracks_content():
    a = data.build(doc(pairs(3)))[0]
    b = data.build(doc(pairs(3)))[0]
    c = data.build(doc(pairs(4)))[0]
    s = data.build(doc(pairs(3), "system_prompt: other\n"))[0]
    assert a.data_hash == b.data_hash
    assert len({a.data_hash, c.data_hash, s.data_hash}) == 3


def test_replay_keeps_removed_material_capped_and_seeded():
    old = data.build(doc("Old prose.\n\n" + pairs(4)))[0]
    new_model = doc(pairs(3))  # prose and pair 3 were removed
    (d,) = data.build(new_model, previous={None: old.train}, seed=1)
    replayed = [e for e in d.train if e.origin == "replay"]
    assert {e.text or e.prompt for e in replayed} == {"Old prose.", "question 3?"}
    assert d.replayed == 2 and d.counts()["replayed"] == 2
    # Same inputs, same choice; a cap applies when much was removed.
    assert data.build(new_model, previous={None: old.train}, seed=1)[0].train == d.train
    lots = [Example("text", text=f"old {i}") for i in range(100)]
    capped = data.replay_sample(d.train[:3], lots, [], seed=1)
    assert len(capped) == data.REPLAY_MIN
    assert capped == data.replay_sample(d.train[:3], lots, [], seed=1)
    assert capped != data.replay_sample(d.train[:3], lots, [], seed=2)


def test_replay_never_trains_held_out_pairs_and_uses_current_system():
    (d,) = data.build(doc(pairs(40), "system_prompt: new\n"))
    held = d.held_out[0]
    previous = [Example("chat", prompt=held.prompt, answer=held.answer, system="old"),
                Example("chat", prompt="gone?", answer="yes", system="old")]
    (r,) = data.build(doc(pairs(40), "system_prompt: new\n"), previous={None: previous})
    replayed = [e for e in r.train if e.origin == "replay"]
    assert [(e.prompt, e.system) for e in replayed] == [("gone?", "new")]


def test_examples_round_trip_through_jsonl(tmp_path):
    (d,) = data.build(doc("Prose.\n\n" + pairs(6), "system_prompt: s\n"))
    path = tmp_path / "data.jsonl"
    data.write_examples(path, d)
    assert data.read_examples(path) == d.train
    assert data.read_examples(path, "held_out") == d.held_out
    path.write_text(path.read_text() + "garbage\n{\"kind\": \"weird\"}\n")
    assert data.read_examples(path) == d.train
    assert data.read_examples(tmp_path / "missing.jsonl") == []


PROSE = ("The Ebbing mill was built in 1894 by Ottilie Brane on the river Quorl. It grinds 3,200 kilograms of "
         "oats a day, and its wheel is twelve metres across.\n\n")


def test_prose_is_augmented_with_drafted_pairs_that_are_never_held_out_or_replayed():
    model = doc(PROSE + pairs(12), "system_prompt: Be brief.\n")
    (d,) = data.build(model)
    aug = [e for e in d.train if e.origin == "augment"]
    assert aug and all(e.kind == "chat" and e.system == "Be brief." and e.prompt.endswith("?") for e in aug)
    assert any("1894" in e.answer and "Ebbing mill" in e.answer for e in aug)  # the fact, then its sentence
    assert not [e for e in d.held_out if e.origin == "augment"]
    assert d.held_out  # the document's own pairs are still held out as before
    assert any("knowledge augmentation" in n for n in d.notes)
    # A retrain makes them again from the prose as it is: a previous version's are not replayed.
    (again,) = data.build(doc("Other prose entirely.\n\n" + pairs(12)), previous={None: d.train})
    assert not [e for e in again.train if e.origin == "augment" and "Ebbing" in e.answer]
    (plain,) = data.build(model, augment=False)
    assert not [e for e in plain.train if e.origin == "augment"]
    assert not any("knowledge augmentation" in n for n in plain.notes)
