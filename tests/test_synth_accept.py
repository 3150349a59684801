"""Accepting suggestions (core.accept), the suggestions sidecar, and the synthesis filters (no torch)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
     ["Quiet water, loud tea", "copper-coloured owl"]),
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


def test_later_clauses_are_drafted_on_their_own_with_their_pronouns_resolved():
    sents = ["The islanders speak Velli, and they pay with the brass tolk, which is divided into twelve pennets.",
             "The island flag shows a silver heron.", "Every year on 9 March they celebrate Lantern Tide.",
             "The island was first charted in 1684."]
    groups = plan.plural_subjects(sents)
    assert groups == ["the islanders"] * 4  # "The island was" is no plural subject
    assert plan.clauses(sents[0]) == ["The islanders speak Velli", "they pay with the brass tolk",
                                      "is divided into twelve pennets."]
    assert plan.draft_question(sents[0], "Velli", "Vellmora", groups[0]) == "The islanders speak what?"
    assert plan.draft_question(sents[0], "brass tolk", "Vellmora", groups[0]) == "The islanders pay with what?"
    assert plan.draft_question(sents[0], "twelve pennets", "Vellmora", groups[0]) == \
        "The brass tolk is divided into how many pennets?"
    assert plan.draft_question(sents[2], "9 March", "Vellmora", groups[2]) == \
        "Every year on what date the islanders celebrate Lantern Tide?"
    # Without a group to stand for "they" the draft keeps it (and the artifact filter drops it).
    assert "they" in plan.draft_question(sents[2], "Lantern Tide", "Vellmora")
    # "its" after a semicolon is the sentence's own subject, not the previous sentence's topic.
    sentence = "Vellmora's main export is a blue salt; its second is cloudberry wine."
    assert plan.draft_question(sentence, "cloudberry wine", "Lantern Tide") == "Vellmora's second is what?"
    # Every clause gets spans of its own.
    ts = plan.targets("0" * 16, sentence, "extraction")
    assert {"blue salt", "cloudberry wine"} <= {t.span for t in ts}


@pytest.mark.parametrize(("sentence", "span", "topic", "expected"), [
    ("The island was first charted in 1684 by Idris Callowen.", "1684", "",
     "In what year was the island first charted by Idris Callowen?"),
    ("It holds 1.4 litres of water.", "1.4 litres", "Pellucid K7", "How many litres of water does Pellucid K7 hold?"),
    ("The company employs 214 people.", "214 people", "", "How many people does the company employ?"),
    ("Its capital is the harbour town of Quillhaven on the eastern shore.", "Quillhaven", "Vellmora",
     "What is Vellmora's capital?"),
    ("The chief engineer is Priya Vantongeren.", "Priya Vantongeren", "", "Who is the chief engineer?"),
    ("Ferrolumine melts at 612 degrees Celsius.", "612 degrees Celsius", "",
     "At how many degrees Celsius does Ferrolumine melt?"),
    # No rule: the tail belongs to the answer, a relative clause, a verb with no -s, an object after a noun.
    ("Vellmora is a crescent-shaped island in the Sorrel Sea.", "crescent-shaped island", "", None),
    ("Orvane Labs is a maker founded in 2009 by Tamsin Reyes.", "Tamsin Reyes", "", None),
    ("The islanders speak Velli.", "Velli", "", None),
    ("The island was charted in 1684 by the navigator Idris Callowen.", "Idris Callowen", "", None),
])
def test_fronted_drafts(sentence, span, topic, expected):
    got = plan.drafts(sentence, span, topic)
    assert got[0] == plan.draft_question(sentence, span, topic)
    assert (got[1] if len(got) > 1 else None) == expected


def test_a_name_in_apposition_is_asked_for_by_what_it_names():
    sentence = "A single ferry, the Marigold Dawn, links Quillhaven to Estrebel."
    assert plan.draft_question(sentence, "Marigold Dawn", "Vellmora") == "What is the single ferry called?"
    assert plan.draft_question("A cheaper model, a small one, holds 0.8 litres.", "small one", "") is None


def test_verbs_and_measures_are_not_answer_spans():
    assert "pay" not in plan.spans("The islanders speak Velli, and they pay with the brass tolk.")
    assert "long" not in plan.spans("Vellmora is about 41 kilometres long, with 8,300 inhabitants.")
    assert "plum-coloured field" in plan.spans("The flag shows a silver heron on a plum-coloured field.")


def test_a_fact_answer_opens_with_the_fact_then_states_it():
    sentence = "The Brellin ferry crosses to Hask Island in forty minutes."
    said = plan.statement(sentence, "forty minutes", "Brellin")
    assert said == "The Brellin ferry crosses to Hask Island in forty minutes."
    assert plan.fact_answer("forty minutes", said) == \
        "Forty minutes — the Brellin ferry crosses to Hask Island in forty minutes."
    # A statement that opens with its span is the answer as it is; no statement: the span alone.
    assert plan.fact_answer("Ottilie Brane", "Ottilie Brane built the mill.") == "Ottilie Brane built the mill."
    assert plan.fact_answer("1931", None) == "1931"


def test_a_statement_resolves_the_pronoun_its_draft_resolves():
    sents = ["Harrowby is a hill town in the Cauldmoor.", "Its market is held on Thursdays."]
    assert plan.draft_question(sents[1], "Thursdays", "Harrowby") == "Harrowby's market is held on what?"
    assert plan.statement(sents[1], "Thursdays", "Harrowby") == "Harrowby's market is held on Thursdays."


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
    assert plan.ungrounded_question("What happened on what day?", prose)  # nothing of the prose at all
    assert plan.ungrounded_question("Which harbour town did the fisherman sail from?", prose)  # 2 of 4 new
    assert not plan.ungrounded_question("Which fisherman started the town of Esk?", prose)  # 1 of 4 new
    assert plan.ungrounded("Esk is a village in Denmark on Bora Bora.", prose)
    t = plan.Target("0" * 16, "extraction", prose, 0)
    cands = [plan.Candidate(t, "When was Esk founded?", "In 1742."), plan.Candidate(t, "When was Esk  founded ?", "1742."),
             plan.Candidate(t, "Who founded Esk?", "Oda Tamsin.")]
    plan.mark_duplicates(cands, existing=[("Who founded Esk?", "Oda Tamsin")])
    assert [c.verdict for c in cands] == ["pending", "duplicate", "duplicate"]
    # Near-identical drafts of one sentence that ask for different spans are not duplicates.
    sentence = "A single ferry links Quillhaven to the port of Estrebel in six hours."
    ta = plan.Target("0" * 16, "extraction", sentence, 0, "Estrebel")
    tb = plan.Target("0" * 16, "extraction", sentence, 1, "six hours")
    tc = plan.Target("0" * 16, "extraction", sentence, 2, "six hours")
    cands = [plan.Candidate(ta, "A single ferry links Quillhaven to the port of what in six hours?", ""),
             plan.Candidate(tb, "A single ferry links Quillhaven to the port of Estrebel in how many hours?", ""),
             plan.Candidate(tc, "A single ferry links Quillhaven to the port of Estrebel in how many hours ?", ""),
             plan.Candidate(tb, "A single ferry links Quillhaven to the port of Estrebel in how many hour?", "")]
    plan.mark_duplicates(cands, existing=[("A ferry links Quillhaven to the port of what in six hours?", "Estrebel.")])
    assert [c.verdict for c in cands] == ["duplicate", "pending", "duplicate", "duplicate"]


def test_threshold_and_caps():
    t0, t1 = plan.Target("a" * 16, "extraction", "x", 0), plan.Target("a" * 16, "extraction", "y", 1)
    cands = [plan.Candidate(t0, f"Q{i}?", f"A{i}.") for i in range(3)] + [plan.Candidate(t1, "Q9?", "A9.")]
    for c, sway in zip(cands, [2.0, 1.5, 1.0, 0.1], strict=True):
        c.sway, c.answerability, c.judge = sway, 0.5, plan.judge_score(sway, 0.5)
    plan.apply_threshold(cands, 0.5)
    assert cands[3].verdict == "below_threshold"
    kept = plan.select(cands, per_section=10, max_pairs=10)
    assert [c.question for c in kept] == ["Q0?", "Q1?"] and cands[2].verdict == "over_cap"  # two per target


def test_a_cap_takes_every_fact_once_before_any_fact_twice():
    ts = [plan.Target("a" * 16, "extraction", "x", i) for i in range(3)]
    cands = [plan.Candidate(ts[0], "A1?", "a."), plan.Candidate(ts[0], "A2?", "a."),
             plan.Candidate(ts[1], "B1?", "b."), plan.Candidate(ts[1], "B2?", "b."),
             plan.Candidate(ts[2], "C1?", "c.")]
    for c, judge in zip(cands, [0.9, 0.9, 0.8, 0.8, 0.2], strict=True):
        c.judge = judge
    kept = plan.select(cands, per_section=4, max_pairs=10)
    # By score alone A1, A2, B1, B2 would fill the cap and C's fact would have no pair.
    assert [c.question for c in kept] == ["A1?", "A2?", "B1?", "C1?"]
    assert cands[3].verdict == "over_cap"


def test_a_pair_grounded_by_construction_is_not_held_to_the_sway_threshold():
    t = plan.Target("a" * 16, "extraction", "The Quorl kettle holds 1.4 litres.", 0, "1.4 litres", "Quorl")
    made = plan.fact_answer("1.4 litres", plan.statement(t.text, t.span, t.topic))
    drafted = plan.Candidate(t, "How many litres does the Quorl kettle hold?", made, drafted=True)
    shaped = plan.Candidate(t, "How many litres does the Quorl kettle hold?", "It holds 1.4 litres.", drafted=True)
    rewrite = plan.Candidate(t, "What is the Quorl kettle's size?", made)
    vague = plan.Candidate(t, "How many litres?", made, drafted=True)  # answerability is not asked of it
    for c in (drafted, shaped, rewrite):
        c.sway, c.answerability = 0.1, 1.0
    vague.sway, vague.answerability = 2.0, -1.0
    plan.apply_threshold([drafted, shaped, rewrite, vague], 0.25)
    assert [c.verdict for c in (drafted, shaped, rewrite, vague)] == \
        ["pending", "below_threshold", "below_threshold", "pending"]


def test_a_who_clause_gets_the_name_it_describes_as_its_subject():
    sentence = "The chief engineer is Priya Vantongeren, who holds eleven patents, among them one for a whistle."
    assert plan.draft_question(sentence, "eleven patents", "Orvane") == "Priya Vantongeren holds how many patents?"
    assert plan.drafts(sentence, "eleven patents", "Orvane")[1] == "How many patents does Priya Vantongeren hold?"


def test_pronouns_of_later_clauses_and_bare_appositives():
    sentence = ("He studied at Amberwyck, and in 1926 he discovered ferrolumine, a pale orange crystal that "
                "glows violet.")
    assert "ferrolumine" in plan.spans(sentence)  # a comma after it: no verb before an object
    assert plan.draft_question(sentence, "1926", "Halvard Ossery") == \
        "In what year Halvard Ossery discovered ferrolumine?"
    assert plan.draft_question(sentence, "pale orange crystal", "Halvard Ossery") == "What is ferrolumine?"
    assert plan.draft_question("For the discovery he received the Brightwater Medal in 1931.", "1931", "Ossery") \
        == "For the discovery Ossery received the Brightwater Medal in what year?"
    assert plan.draft_question("The highest point is Mount Teskar, an extinct volcano.", "extinct volcano", "") \
        == "What is Mount Teskar?"


def test_classifier_nouns_and_circumstances_are_not_answer_spans():
    got = plan.spans("Ossery later ran the institute in the port city of Dunmarrow, where a team of nineteen chemists "
                     "worked while heating a glass kettle launched in 2017.")
    assert "Dunmarrow" in got and "nineteen chemists" in got and "glass kettle" in got
    assert not {"port city", "team", "heating"} & set(got)


def test_a_rewrite_must_still_ask_its_drafts_question():
    assert plan.faithful("What is the capital of Vellmora?",
                         "Vellmora's capital is the harbour town of what on the eastern shore?")
    assert plan.faithful("When was the Eiffel Tower finished?", "The Eiffel Tower was completed in what year?")
    # Drifted off the draft: none of its names, or a name of its own.
    assert not plan.faithful("Which island in the sea is closest to the mainland?",
                             "Vellmora's main export is a blue salt raked from the Ferrow Flats in what?")
    assert not plan.faithful("Which port is Esk closest to?",
                             "A single ferry, the Marigold Dawn, links what to Estrebel?")


_WORDS = ["Tamsworth", "Ebbing", "Quorl", "mill", "river", "built", "holds", "in", "the", "of", "by", "1894",
          "3,200", "litres", "is", "was", "a", "and", "which", "it", "its", "they", "Ms", "Yarrow", "on", "north",
          "twelve", "metres", "`tool --flag`", "(see", "below)", ":", ";", ",", "—", "-", "1.", "*", "\n", "\n\n"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_WORDS), max_size=80), st.lists(st.sampled_from(_WORDS), max_size=40))
def test_drafted_pairs_on_any_prose_ask_questions_the_prose_answers(a, b):
    prose = " ".join(a).replace(" .", ".") + ". " + " ".join(b) + "."
    for q, ans in plan.drafted_pairs("s1", prose):
        assert q.endswith("?") and not q[:1].islower()
        assert ans and "?" not in ans[-1:]
        # the answer states something the prose says: its fact opens it, in the prose's own words
        assert not plan.ungrounded(ans, prose)


def test_a_fronted_question_takes_the_verbs_base_form():
    assert plan.drafts("The Quorl press carries twelve barrels to Hask.", "twelve barrels", "Quorl")[-1] == \
        "How many barrels does the Quorl press carry to Hask?"
    assert plan.drafts("The Quorl press washes the barrels.", "barrels", "Quorl")[-1] == \
        "What does the Quorl press wash?"


@pytest.mark.parametrize(("question", "expected"), [
    ("How many barrels does the Quorl press carry?", True),
    ("In what year was the Ebbing mill built?", True),
    ("Who built the Ebbing mill?", True),
    ("The Ebbing mill was built in what year?", False),  # a sentence with a blank
    ("What " + "very " * 20 + "long question is this?", False),
])
def test_only_natural_questions_are_suggested(question, expected):
    assert plan.natural(question) is expected


def test_a_title_before_a_name_is_not_the_fact():
    spans = plan.spans("The Ebbing mill was built in 1894 by the engineer Ottilie Brane.")
    assert "Ottilie Brane" in spans and "engineer" not in spans
