"""Accepting suggestions (core.accept), the suggestions sidecar, and the synthesis filters (no torch)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dlmls import suggestions as sugmod
from dlmls.core import accept
from dlmls.core.document import Document
from dlmls.suggestions import Suggestion, suggestion_id
from dlmls.worker import synth_plan as plan

ROOT = Path(__file__).resolve().parents[1]
NOTES = (ROOT / "examples" / "notes.dlm").read_text()


def sug(q: str, a: str, section) -> Suggestion:
    return Suggestion(id=suggestion_id(q, a), question=q, answer=a, section_id=section.section_id,
                      source_text=section.content, synth_at="2026-12-03T10:00:00Z")


def ids(text: str) -> list[str]:
    return [s.section_id for s in Document(text).model.sections]


@pytest.mark.parametrize("text", [NOTES, NOTES + "::prose::\nLast words about decorators.\n",
                                  NOTES + "::prose::\nLast words about decorators.",
                                  NOTES.replace("\n", "\r\n")])
def test_accept_inserts_after_the_source_and_keeps_every_section_id(text: str):
    model = Document(text).model
    source = [s for s in model.live_sections if s.type == "prose"][-1]
    new = [sug("What does functools.wraps copy?", "The name and docstring.", source),
           sug("When is @name applied?", "When the function is defined.", source)]
    placements = accept.place(model, new)
    assert [p.status for p in placements] == ["ready", "ready"]
    out = accept.apply(model, accept.insertions(model, placements))
    assert accept.check_insertion(model, out, new) is None
    after = Document(out).model
    assert set(ids(text)) <= set(ids(out))
    added = [s for s in after.live_sections if s.core.marker("synth") is not None]
    assert [s.core.pairs[0].question for s in added] == [n.question for n in new]
    assert all(s.core.marker("synth").values["source_section_id"] == source.section_id for s in added)
    assert not [p for p in after.problems if p.severity.name == "ERROR"]
    # A second accept goes after the first ones, and the first ones now count as accepted.
    third = sug("Who runs the decorator?", "Python, at definition time.", source)
    again = accept.place(after, [*new, third])
    assert [p.status for p in again] == ["accepted", "accepted", "ready"]
    out2 = accept.apply(after, accept.insertions(after, again))
    assert accept.check_insertion(after, out2, [third]) is None
    qs = [s.core.pairs[0].question for s in Document(out2).model.live_sections if s.core.marker("synth")]
    assert qs == [n.question for n in new] + [third.question]


def test_reference_parser_reads_the_accepted_file():
    from dlm.doc.parser import parse_text  # DLM's own parser (installed by scripts/setup.sh)

    model = Document(NOTES).model
    source = model.live_sections[0]
    new = [sug("What does functools.wraps copy?", "The name and docstring.", source)]
    out = accept.apply(model, accept.insertions(model, accept.place(model, new)))
    parsed = parse_text(out)
    synth = [s for s in parsed.sections if s.auto_synth]
    assert len(synth) == 1 and synth[0].source_section_id == source.section_id
    assert [s.section_id for s in parsed.sections if not s.auto_synth] == [
        s.section_id for s in parse_text(NOTES).sections]


def test_edited_source_is_stale_and_whitespace_only_edits_reanchor():
    model = Document(NOTES).model
    source = model.live_sections[0]
    s = sug("What does functools.wraps copy?", "The name and docstring.", source)
    edited = NOTES.replace("copies the wrapped", "copies over the wrapped")
    assert [p.status for p in accept.place(Document(edited).model, [s])] == ["stale"]
    rewrapped = NOTES.replace("onto the\nwrapper,", "onto the wrapper,")
    (p,) = accept.place(Document(rewrapped).model, [s])
    assert p.status == "reanchored" and p.section_id != source.section_id and p.at is not None


def test_suggestions_sidecar_round_trip(tmp_path: Path):
    where = sugmod.suggestions_path(tmp_path)
    model = Document(NOTES).model
    a, b = sug("Q one?", "A one.", model.live_sections[0]), sug("Q two?", "A two.", model.live_sections[0])
    sugmod.stage(where, [a, b])
    sugmod.set_state(where, [b.id], "rejected", "2026-12-03T10:00:00Z")
    with open(where, "a") as f:
        f.write('{"torn": \n')
    table = sugmod.read_suggestions(where)
    assert [s.id for s in table.pending()] == [a.id]
    assert table.rejected_keys() == {b.key} and table.bad_lines == 1
    assert table.get(a.id[:6]) == table.by_id[a.id]


def test_sentences_skip_code_headings_and_fragments():
    prose = "# Title\n\nThe island lies north of Grell. Its town, Esk, was founded in 1742.\n\n```\ncode = 1\n```\nToo short.\n"
    assert plan.sentences(prose) == ["The island lies north of Grell.", "Its town, Esk, was founded in 1742."]
    ts = plan.targets("0" * 16, prose, "both")
    assert {t.strategy for t in ts} == {"extraction", "expansion"}
    assert {"Grell", "1742", "Esk"} <= {t.span for t in ts if t.strategy == "extraction"}
    assert all(t.span in t.text for t in ts)


def test_a_year_that_opens_a_line_is_not_a_list_marker():
    prose = "The kettle was launched in October\n2017. It holds 1.4 litres of water.\n\n1. First item of a list here.\n"
    assert plan.sentences(prose) == ["The kettle was launched in October 2017.", "It holds 1.4 litres of water.",
                                     "First item of a list here."]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Its logo is a copper-coloured owl, and its slogan is \"Quiet water, loud tea.\"",
     ["Quiet water, loud tea", "owl"]),
    ("The highest point is Mount Teskar, an extinct volcano 1,212 metres tall.",
     ["1,212 metres", "Mount Teskar", "extinct volcano"]),
    ("It glows violet when cooled below minus 40 degrees Celsius.", ["minus 40 degrees Celsius", "violet"]),
    ("Every year on 9 March they celebrate Lantern Tide.", ["9 March", "Lantern Tide"]),
    ("He studied at the University of Amberwyck in October 2017.", ["October 2017", "University of Amberwyck"]),
])
def test_answer_spans(sentence, expected):
    assert plan.spans(sentence)[:len(expected)] == expected


def test_antecedents_and_drafted_questions():
    sents = ["Orvane Labs is a small appliance maker in Harrowgate Falls.", "Its flagship product is the Pellucid K7.",
             "It holds 1.4 litres of water.", "Tamsin Reyes founded it in 2009.", "She holds eleven patents."]
    assert plan.antecedents(sents, "Orvane") == ["Orvane", "Orvane Labs", "Pellucid K7", "Pellucid K7",
                                                  "Tamsin Reyes"]
    assert plan.draft_question(sents[2], "1.4 litres", "Pellucid K7") == "Pellucid K7 holds how many litres of water?"
    assert plan.draft_question(sents[1], "Pellucid K7", "Orvane Labs") == "Orvane Labs's flagship product is what?"
    assert plan.draft_question("The island lies in the Sorrel Sea, far north.", "Sorrel Sea", "") == \
        "The island lies in what sea?"
    assert plan.draft_question("It was charted in 1684 by Idris Callowen.", "1684", "Vellmora") == \
        "Vellmora was charted in what year by Idris Callowen?"
    assert plan.draft_question("It was charted in 1684 by Idris Callowen.", "Idris Callowen", "Vellmora") == \
        "Vellmora was charted in 1684 by who?"
    assert plan.draft_question("No such span here.", "Esk", "") is None
    assert plan.draft_question("He found it by accident while cleaning a still.", "accident", "Halvard Ossery") \
        == "Halvard Ossery found it by what?"  # "it" is not the person (the draft is then dropped)
    # A thousands comma is not a clause boundary.
    assert plan.draft_question("It is an extinct volcano 1,212 metres tall, with a lake.", "extinct volcano",
                               "Mount Teskar") == "Mount Teskar is what 1,212 metres tall?"


def test_round_trip_and_answer_shaping():
    assert plan.contains_span("It is 1,212 m tall.", "1212 metres")  # a number's unit may be left out
    assert plan.contains_span("The capital is Quillhaven.", "Quillhaven")
    assert not plan.contains_span("The capital is Estrebel.", "Quillhaven")
    assert plan.shape("The answer is: Quillhaven.\nMore text") == "Quillhaven."
    assert plan.shape("Mount Teskar is an extinct volcano, which is") == "Mount Teskar is an extinct volcano."
    assert plan.shape("Quillhaven. It lies on the eastern shore.") == "Quillhaven."


def test_a_lone_word_before_its_object_is_a_verb_not_an_answer():
    assert "sold" not in plan.spans("The K7 sold 62,000 units in its first year.")
    assert not [x for x in plan.spans("The island won the regatta twice.") if x.endswith("won")]


def test_brief_answer_keeps_a_grounded_answer_and_falls_back_to_the_span():
    sentence = "Tamsin Okonkwo-Reyes founded Orvane Labs in 2009."
    assert plan.brief_answer("It was founded in 2009.", "2009", sentence) == "It was founded in 2009."
    long = "Orvane Labs was founded in 2009 by Tamsin Okonkwo-Reyes, who founded Orvane Labs in the year 2009."
    assert plan.brief_answer(long, "2009", sentence) == "2009"  # rambles: the span alone
    assert plan.brief_answer("It was founded in 2009 by the CEO Bob Vance.", "2009", sentence) == "2009"
    assert plan.brief_answer("It was founded in 1991.", "2009", sentence) is None


@pytest.mark.parametrize(("generated", "expected"), [
    (" When was Esk founded?\nSentence: x", "When was Esk founded?"),
    (" When was Esk founded? In 1742.", "When was Esk founded?"),
    ("\n", None),
])
def test_parse(generated, expected):
    assert plan.parse(generated) == expected


@pytest.mark.parametrize(("q", "a", "why"), [
    ("When was Esk founded", "In 1742.", "not a question"),
    ("What does the passage say about Esk?", "It was founded in 1742.", "talks about the text instead of its content"),
    ("When was Esk founded?", "When was Esk founded", "answer restates the question"),
    ("What is Esk?", "### Q", "would read as .dlm syntax"),
    ("When was Esk founded?", "Esk was founded in 1742.", None),
    ("When was it founded?", "In 1742.", "a pronoun with nothing to refer to"),
    ("Which name is this?", "Esk.", "a pronoun with nothing to refer to"),
])
def test_artifacts(q, a, why):
    assert plan.artifact(q, a) == why


def test_grounding_and_duplicates():
    prose = "Its only town, Esk, was founded in 1742 by the fisherman Oda Tamsin."
    assert not plan.ungrounded("Esk was founded in 1742.", prose)
    assert plan.ungrounded("Esk was founded in 1811.", prose)  # a number the prose does not have
    assert plan.ungrounded("The crossing takes 2.5 hours.", prose)  # even a short one
    assert plan.ungrounded_question("Which town was founded in 1811?", prose)
    assert not plan.ungrounded_question("Which town was founded in 1742?", prose)
    assert plan.ungrounded("Esk is a village in Denmark on Bora Bora.", prose)
    t = plan.Target("0" * 16, "extraction", prose, 0)
    cands = [plan.Candidate(t, "When was Esk founded?", "In 1742."), plan.Candidate(t, "When was Esk  founded ?", "1742."),
             plan.Candidate(t, "Who founded Esk?", "Oda Tamsin.")]
    plan.mark_duplicates(cands, existing=["Who founded Esk?"])
    assert [c.verdict for c in cands] == ["pending", "duplicate", "duplicate"]


def test_threshold_and_caps():
    t0, t1 = plan.Target("a" * 16, "extraction", "x", 0), plan.Target("a" * 16, "extraction", "y", 1)
    cands = [plan.Candidate(t0, f"Q{i}?", f"A{i}.") for i in range(3)] + [plan.Candidate(t1, "Q9?", "A9.")]
    for c, sway in zip(cands, [2.0, 1.5, 1.0, 0.1], strict=True):
        c.sway, c.answerability, c.judge = sway, 0.5, plan.judge_score(sway, 0.5)
    plan.apply_threshold(cands, 0.5)
    assert cands[3].verdict == "below_threshold"
    kept = plan.select(cands, per_section=10, max_pairs=10)
    assert [c.question for c in kept] == ["Q0?", "Q1?"] and cands[2].verdict == "over_cap"  # two per target
