---
dlm_id: 01W85SDZ8KDA7AYDAYM7VSMYF8
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Gloamreach FAQ

Gloamreach is a cooperative board game designed by Wenna Holtzmark and
published in 2022 by Thimble Owl Games. You and your friends play lamplighters
keeping a valley safe from a creeping fog. These are the questions we hear most
often at conventions, answered by Wenna herself.

**How many people can play?**

Two to five. There is also a solo variant, called The Lone Lamplighter, in the
appendix at the back of the rulebook.

**How long does a game last?**

About 75 minutes once everyone knows the rules. For your first game, allow two
hours.

**What comes in the box?**

- a folding board showing the valley of Gloamreach
- 48 brass-coloured lantern tokens
- 5 keeper miniatures
- 60 fog cards
- a tin first-player marker shaped like a moth
- a 24-page rulebook

**How do we win, and how do we lose?**

Everyone wins together by lighting all seven beacons before the fog deck runs
out. Everyone loses at once if the fog swallows three villages.

**What happens when my keeper runs out of oil?**

Your keeper is "dimmed": you skip your next turn, then take back 2 oil at the
start of the turn after that.

**Can we show each other our cards?**

Yes. Talking and showing cards are encouraged, because the only secret in the
game is the fog deck. Nobody may look at the fog deck before a card is drawn.

**Why are the fog cards numbered?**

The numbers, 1 to 60, are only there to help you check that the deck is
complete after a game. They have no effect on play.

**Which expansion should I buy first?**

Start with Salt and Cinder (2023). It adds a sixth keeper, the Ferrywoman,
and lets six people play. The Drowned Bells (2024) is much harder; leave it
until your group has won at least five games of the base game.

**What age is it for?**

The box says 12 and up. Wenna's own children were playing it at nine.

**I lost a lantern token. Can I get a spare?**

Yes, spares are free. Send the batch number printed inside the lid to Thimble
Owl's spare-parts desk, and the pieces should arrive in about three weeks.
