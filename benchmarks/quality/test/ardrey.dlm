---
dlm_id: 016MHC08HZZHS8BTSV6P3F4882
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Oona Ardrey, maker of the storm buoy

Oona Ardrey was born on 3 March 1884 in Pellock Bay, a herring port on the north shore of the Vesk estuary, the youngest of five children of a net-maker, Fergal Ardrey, and a schoolteacher, Ruth Ardrey, who taught her arithmetic on the backs of old tide tables because paper was too dear to waste.

At sixteen she left Pellock Bay for the Marrish Institute in the city of Dunhallow, where she was the only woman in a class of thirty-one, and where her tutor, the instrument-maker Anselm Coyle, is said to have remarked within a month that she could strip and rebuild a ship's chronometer faster than he could himself.

The work that made her name began after the winter gale that the fishermen called the Long Blow, which in February 1909 drowned nineteen men from Pellock Bay in a single night, among them two of her cousins, and which she always insisted could have been foreseen by anyone watching the barometer on the harbour wall. Over the next two years, in a rented loft above a chandler's shop on Quay Lane, she built a floating buoy that carried a barometer, a clockwork recorder and a bell, and that rang a warning whenever the pressure fell by more than four millibars in three hours, a signal the crews quickly learned to call "Oona's bell".

The first storm buoy was moored off the Grey Tooth rock in the spring of 1913, and by 1920 a chain of fourteen of them stretched along the Vesk coast, paid for partly by a public subscription that the Pellock Bay fishwives organised and partly by a grant from the Harbour Commission after years of refusals.

In 1922 she married Tobias Quell, the keeper of the Skelling Point light, and the couple lived at the lighthouse for eleven years, during which she redesigned the buoy's recorder to run for forty days between windings instead of nine.

She received the Coldharbour Medal for maritime invention in 1926, the first woman to be given it, and she spent her later years teaching at the Marrish Institute, where she refused every invitation to become its director.

Oona Ardrey died in Dunhallow on 11 January 1952, aged sixty-seven, and her old loft on Quay Lane has been open since 1961 as a small museum, the Ardrey Rooms, where the original Grey Tooth buoy still hangs from the rafters.
