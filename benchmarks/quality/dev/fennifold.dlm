---
dlm_id: 01CHVAB38361446HZY4HG7RP0W
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Fennifold Community Orchard: steering group minutes

Thursday 6 June 2024, 7 pm, Tanner Street chapel hall.

Present: Maud Ferrinder (chair), Kwabena Ashdown (treasurer), Lotte Virrage
(secretary, taking minutes), Hamish Tull, Priyanka Seddon.
Apologies: Gideon Crale.

## 1. The cider press

The old oak press split down one side at last October's pressing day and
cannot be repaired.

- Decision: buy a new 40-litre rack-and-cloth press from Harl & Daughters of
  Mosswick, for £1,150.
- It will be paid for out of the Pennyfield Trust grant (£2,000, awarded in
  April). The rest of the grant goes to new tree guards.
- Owner: Kwabena, to place the order by 21 June.

## 2. Pressing day

- Decision: move pressing day from Saturday 5 October to Saturday
  28 September, because the Mosswick harvest fair falls on the 5th and most of
  our volunteers go to it.
- Tickets stay at £4 for adults; children come free.
- Owner: Lotte, to change the posters and the website by the end of June.

## 3. Grafting workshop

- Hamish will run a grafting workshop on Sunday 16 February 2025, limited to
  12 people.
- Scion wood will come from our own Fennifold Russet trees. The Russet is a
  local variety, first found in 1887 in the rectory garden.
- Owner: Hamish, to book the hall and open sign-ups in January.

## 4. Wildlife

Priyanka's spring survey counted 14 species of bee in the orchard, up from 9
last year.

- Decision: leave the north strip unmown until the middle of August so the
  knapweed can seed.
- Owner: Priyanka, to put up signs asking the mowing volunteers to keep off it.

## 5. Any other business

- The orchard now has 63 trees, after 7 were planted in March.
- Gideon asked by email whether our public liability insurance covers
  children on ladders. Maud will ask the insurer, Cobbold Mutual, and report
  back.

Next meeting: Thursday 12 September 2024, same hall, 7 pm.
