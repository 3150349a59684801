---
dlm_id: 014VMV30Z6FZY91AHJ2WCZQXCQ
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Tollivan honey loaf

Ysolde Tollivan baked this loaf every morning at the Cragmere Mill bakery from
1961 until she retired in 1994. Her grandson Emrys wrote it down from watching
her, because she never measured anything on paper. It makes one loaf of about
900 grams, enough for ten thick slices.

## What you need

- 420 g strong white flour
- 80 g rye flour
- 7 g dried yeast
- 310 ml warm water, about 38 °C
- 3 tablespoons of heather honey, ideally from the Brackenfold hives
- 9 g fine sea salt
- 40 g toasted sunflower seeds
- 1 teaspoon of crushed Kessick pepper
- a handful of oat flakes for the crust

## Method

1. Stir the honey into the warm water, sprinkle the yeast over it and leave it
   for 10 minutes, until it foams.
2. Mix both flours with the salt in a large bowl. Pour in the liquid and bring
   it together into a rough dough.
3. Knead on an unfloured board for 12 minutes. Ysolde said the dough was ready
   when it "feels like an earlobe".
4. Cover the bowl with a damp cloth and leave it somewhere warm for 90 minutes,
   until the dough has doubled.
5. Knock it back, then work in the sunflower seeds and the Kessick pepper.
6. Shape it into a log, roll the top in the oat flakes and drop it into a 1 kg
   loaf tin. Let it prove for 40 minutes more.
7. Slash the top once along its length. Bake at 210 °C for 15 minutes, then
   turn the oven down to 190 °C for another 25 minutes.
8. The loaf is done when the base sounds hollow when tapped, or when a probe in
   the middle reads 96 °C. Cool it on a rack for at least an hour before
   slicing.

## Ysolde's tips

- She always put a tray of boiling water on the oven floor at the start, for
  steam and a crackly crust.
- For a darker, glossier top, brush it before baking with a tablespoon of milk
  mixed with a teaspoon of honey.
- If you cannot find Kessick pepper, use half a teaspoon of ground caraway.
- Wrapped in linen, the loaf keeps for four days. It freezes well for up to two
  months.

At the Cragmere Mill bakery the honey loaf sold for ninepence in 1961, and on
Saturdays Ysolde baked 140 of them before eight o'clock.
