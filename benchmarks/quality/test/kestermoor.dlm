---
dlm_id: 01KJ16N65TTFST9FTZNWD7DZBM
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Kestermoor Water Board: Operations Subcommittee

Minutes of meeting no. 47, held on Thursday 12 June at 10:00 in Room 3, Harnwell Depot.

**Present:** Delia Oxtoby (Chair), Rafe Mallinder (Head of Engineering), Priya Castellane (Finance Officer), Gideon Thrale (Customer Services Manager).
**Apologies:** Hester Vowle (Legal).
**Minutes taken by:** Colm Birtwistle, Board Secretary.

## Item 1. Minutes of the previous meeting

The minutes of meeting no. 46 were approved as a true record without amendment.

## Item 2. Sallow Reach trunk main

The Head of Engineering reported that the Sallow Reach trunk main is losing an estimated 340,000 litres per day through joint failures along a 2.2 km section. Two options were tabled: full replacement at an estimated 4.6 million crowns, or relining at an estimated 1.8 million crowns.

- **Decision:** the main shall be relined rather than replaced.
- **Owner:** Rafe Mallinder.
- **Deadline:** works to commence no later than 1 September.

## Item 3. Tariff review

The Finance Officer presented the quarterly tariff review.

- **Decision:** the domestic standing charge shall rise from 14.20 crowns to 15.05 crowns per quarter, effective 1 October.
- **Owner:** Priya Castellane.
- **Action:** notification letters to be issued to all customers by 15 August.

## Item 4. Customer complaints

The Customer Services Manager reported 212 complaints received in May, up from 158 in April, the majority concerning discoloured water in the Fenwick Row district.

- **Action:** Gideon Thrale to publish a mains flushing schedule for Fenwick Row by 30 June.
- **Action:** Hester Vowle to advise, by written memorandum, whether compensation is payable to Fenwick Row customers.

## Item 5. Reservoir levels

Brackwater reservoir stood at 71 percent of capacity and Tull Moss reservoir at 58 percent. It was resolved that a hosepipe ban shall be placed before the full Board should Tull Moss fall below 45 percent.

## Item 6. Any other business

The Chair noted that the heating in Room 3 remains defective. It was agreed that, with effect from the next meeting, the subcommittee shall convene in Room 5.

## Date of next meeting

Thursday 10 July at 14:00, Room 5, Harnwell Depot.
