%% SYNTAX TEST "text.dlm" "frontmatter, sections, headers, markers, code blocks"
---
%% <--- punctuation.definition.frontmatter.begin.dlm
dlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7
%% <----------------------------------- meta.frontmatter.dlm meta.embedded.block.frontmatter.dlm
%% <------ entity.name.tag.yaml
base_model: smollm2-135m
---
%% <--- meta.frontmatter.dlm punctuation.definition.frontmatter.end.dlm
%% <--- - meta.embedded.block.frontmatter.dlm
Prose before the first fence.
%% <----------------------------- - meta.frontmatter.dlm markup.heading
### Q
%% <----- - markup.heading
---
%% <--- - punctuation.definition.frontmatter.begin.dlm meta.frontmatter.dlm

::instruction#tone::
%% <-- meta.section.instruction.dlm meta.fence.dlm punctuation.definition.fence.begin.dlm
%%^^^^^^^^^^^ keyword.control.section.dlm
%%           ^ punctuation.separator.adapter.dlm
%%            ^^^^ entity.name.label.adapter.dlm
%%                ^^ punctuation.definition.fence.end.dlm
<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" synth_at="2026-04-24T10:18:42Z" source_section_id="b6b7d8a2f4b3f9c0" -->
%% <---- meta.marker.provenance.dlm comment.block.dlm punctuation.definition.comment.begin.dlm
%%   ^^^^^^^^^^^^^^ keyword.other.directive.provenance.dlm
%%                 ^ punctuation.separator.dlm
%%                   ^^^^^^^^^^^^^ entity.other.attribute-name.dlm
%%                                ^ keyword.operator.assignment.dlm
%%                                 ^^^^^^ string.quoted.double.dlm
%%                                                                                                                                         ^^^ comment.block.dlm
### Q
%% <--- markup.heading.question.dlm punctuation.definition.heading.dlm
%%  ^ entity.name.section.question.dlm
What is a decorator?
%% <-------------------- meta.section.instruction.dlm - markup.heading
### A
%%  ^ entity.name.section.answer.dlm
A function that wraps another.
```python
%% <--- markup.fenced_code.block.dlm punctuation.definition.code-fence.begin.dlm
%% ^^^^^^ fenced_code.block.language.dlm
### Q
%% <----- markup.raw.block.dlm - markup.heading
::preference::
%% <-------------- markup.raw.block.dlm - meta.fence.dlm
```
%% <--- punctuation.definition.code-fence.end.dlm
### Q !probe
%%  ^ entity.name.section.question.dlm
%%    ^^^^^^ keyword.other.probe.dlm
Probe question?
### A
Probe answer.
### Prompt
%% <---------- - markup.heading

::preference::
%%^^^^^^^^^^ meta.section.preference.dlm keyword.control.section.dlm
<!-- dlm-auto-mined: judge_name="j" judge_score_chosen="0.82" judge_score_rejected="0.31" mined_at="2026-04-24T10:18:42Z" mined_run_id="7" -->
%%   ^^^^^^^^^^^^^^ keyword.other.directive.provenance.dlm
### Prompt
%%  ^^^^^^ entity.name.section.prompt.dlm
Say hi.
### Chosen
%%  ^^^^^^ entity.name.section.chosen.dlm
Hi!
### Rejected
%%  ^^^^^^^^ entity.name.section.rejected.dlm
No.
### Q
%% <----- - markup.heading

::image path="figures/a.png" alt="A chart"::
%% <-- meta.section.media.dlm punctuation.definition.fence.begin.dlm
%%^^^^^ keyword.control.section.dlm
%%      ^^^^ entity.other.attribute-name.dlm
%%          ^ keyword.operator.assignment.dlm
%%           ^^^^^^^^^^^^^^^ string.quoted.double.dlm
%%                                         ^^ punctuation.definition.fence.end.dlm
A caption.

::std::
%% <------- invalid.illegal.fence.dlm
::prose x="1"::
%% <--------------- invalid.illegal.fence.dlm

::prose::
%%^^^^^ meta.section.prose.dlm keyword.control.section.dlm
### A
%% <----- meta.section.prose.dlm - markup.heading
<!-- dlm-auto-harvest: source="tag/probe" -->
%% <---- - meta.marker.provenance.dlm
