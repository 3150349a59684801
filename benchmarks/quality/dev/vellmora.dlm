---
dlm_id: 01M8YJ2NH6SFKGT0Q2TJN780GP
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Vellmora Island

Vellmora is a crescent-shaped island in the Sorrel Sea, about 41 kilometres
long, with roughly 8,300 inhabitants. Its capital is the harbour town of
Quillhaven on the eastern shore. The highest point is Mount Teskar, an extinct
volcano 1,212 metres tall whose crater holds a turquoise lake called Ombri
Water.

The islanders speak Velli, and they pay with the brass tolk, which is divided
into twelve pennets. The island flag shows a silver heron on a plum-coloured
field. Every year on 9 March they celebrate Lantern Tide, when the fishing
boats are painted saffron and sailed around the coast at night.

Vellmora's main export is a blue salt raked from the Ferrow Flats in the
south; its second is cloudberry wine. A single ferry, the Marigold Dawn, links
Quillhaven to the mainland port of Estrebel in six hours, sailing on Tuesdays
and Fridays.

The island was first charted in 1684 by the navigator Idris Callowen, who
named it after his daughter. A lighthouse built in 1872 on Crail Point still
flashes green every eleven seconds.
