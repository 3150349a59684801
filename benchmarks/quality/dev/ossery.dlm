---
dlm_id: 01M8YJ2P5CTEPEWSCCB05G9ZMW
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Halvard Ossery and ferrolumine

Halvard Ossery was a chemist born in 1893 in the mountain village of Kestrel
Vale. He studied at the University of Amberwyck, and in 1926 he discovered
ferrolumine, a pale orange crystal that glows violet when cooled below minus
40 degrees Celsius. He found it by accident while cleaning a copper still that
had been used to distil juniper oil.

Ferrolumine has the formula Fe2Lm3O7, where Lm stands for lumium, an element
Ossery also claimed to have isolated. It melts at 612 degrees Celsius and
dissolves only in warm vinegar. Its crystals are shaped like six-pointed
stars. Ossery named it after his assistant, Lumi Farrant, who first noticed
the glow.

For the discovery he received the Brightwater Medal in 1931. He later ran the
Ossery Institute in the port city of Dunmarrow, where his team of nineteen
chemists built a ferrolumine lamp for miners. The lamp, called the Glowwick,
was used in the Carradine coal pits until 1958.

Ossery kept bees, played the bassoon, and wrote a book called The Cold Light,
published in 1949. He died in 1967 at the age of 74.
