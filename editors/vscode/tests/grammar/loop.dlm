%% SYNTAX TEST "text.dlm" "the synthesis loop: prose with an adapter, accepted auto-synth instruction blocks"
---
dlm_id: 01KPM5CXB51GRX86Q25AKERN13
training:
  adapters:
    knowledge: {}
---

::prose#knowledge::
%% <-- meta.section.prose.dlm meta.fence.dlm punctuation.definition.fence.begin.dlm
%%^^^^^ keyword.control.section.dlm
%%     ^ punctuation.separator.adapter.dlm
%%      ^^^^^^^^^ entity.name.label.adapter.dlm
%%               ^^ punctuation.definition.fence.end.dlm
Quillon is a village on Lake Arvel. Its bell is made of copper.
%% <----------------------------------------------------------- meta.section.prose.dlm - markup.heading - keyword.control.section.dlm
### Q
%% <----- meta.section.prose.dlm - markup.heading

::instruction::
%% <-- meta.section.instruction.dlm punctuation.definition.fence.begin.dlm
%%^^^^^^^^^^^ keyword.control.section.dlm
%%           ^^ punctuation.definition.fence.end.dlm
<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" synth_at="2026-12-04T18:00:00Z" source_section_id="0123456789abcdef" -->
%% <---- meta.section.instruction.dlm meta.marker.provenance.dlm comment.block.dlm punctuation.definition.comment.begin.dlm
%%   ^^^^^^^^^^^^^^ keyword.other.directive.provenance.dlm
%%                 ^ punctuation.separator.dlm
%%                   ^^^^^^^^^^^^^ entity.other.attribute-name.dlm
%%                                ^ keyword.operator.assignment.dlm
%%                                 ^ string.quoted.double.dlm punctuation.definition.string.begin.dlm
%%                                  ^^^^ string.quoted.double.dlm
%%                                      ^ string.quoted.double.dlm punctuation.definition.string.end.dlm
%%                                                                                                    ^^^^^^^^^^^^^^^^^ entity.other.attribute-name.dlm
%%                                                                                                                                         ^^^ comment.block.dlm punctuation.definition.comment.end.dlm
### Q
%% <--- meta.section.instruction.dlm markup.heading.question.dlm punctuation.definition.heading.dlm
%%  ^ entity.name.section.question.dlm
Quillon is a village on what lake?
%% <---------------------------------- meta.section.instruction.dlm - markup.heading
### A
%% <--- markup.heading.answer.dlm punctuation.definition.heading.dlm
%%  ^ entity.name.section.answer.dlm
Lake Arvel.
%% <----------- meta.section.instruction.dlm - markup.heading

::instruction#knowledge::
%%^^^^^^^^^^^ meta.section.instruction.dlm keyword.control.section.dlm
%%           ^ punctuation.separator.adapter.dlm
%%            ^^^^^^^^^ entity.name.label.adapter.dlm
<!-- dlm-auto-synth: synth_teacher="hf:org/name" synth_strategy="both" synth_at="2026-12-04T18:00:01Z" source_section_id="0123456789abcdef" -->
%%   ^^^^^^^^^^^^^^ keyword.other.directive.provenance.dlm
%%                                 ^^^^^^^^^^^^^ string.quoted.double.dlm
### Q
What is the bell of Quillon made of?
### A
%%  ^ entity.name.section.answer.dlm
Copper.
### Q
%%  ^ entity.name.section.question.dlm
When did the bakery open?
### A
In 1893.
%% <-------- meta.section.instruction.dlm - markup.heading

::instructions::
%% <---------------- invalid.illegal.fence.dlm

