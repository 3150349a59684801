---
dlm_id: 01KB1ATYHMRRSTWFQ8WB5V6A30
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Mixing and firing Pellan Blue

Pellan Blue is the glaze on every mug the Hobb Lane pottery sells. You'll need an afternoon for the mixing and the big kiln for the following night, so book the kiln with Wren Addy before you start. Read all the steps first: you can't undo step 5.

## What you need

- 2.4 kg of Corra flint
- 900 g of Wicklan feldspar
- 350 g of whiting
- 60 g of cobalt frit from the tub labelled PB-7
- 1.1 litres of water, plus a little extra
- an 80-mesh sieve and two 10-litre buckets, one with a red handle and one plain white

## Steps

1. Put your respirator on before you open any bag. You're handling dry powder, and the Corra flint is the dustiest of the lot.
2. Pour the 1.1 litres of water into the red-handled bucket. Water always goes in first; if you tip powder in first you'll get lumps you can't break up.
3. Add the flint, then the feldspar, then the whiting, and leave the bucket to slake for 20 minutes without stirring.
4. Stir with the drill paddle on its lowest speed for 4 minutes.
5. Add the PB-7 frit last. Once cobalt is in a bucket it stays blue for good, which is why the red-handled bucket is kept for Pellan Blue only.
6. Push the whole mix through the 80-mesh sieve into the white bucket, then back again, so it goes through twice.
7. Check the thickness with the hydrometer. You're aiming for 1.45. If you read higher, add water 50 ml at a time and stir again.
8. Dip each bisqued mug for a slow count of three, then wipe the foot clean to 6 mm above the base.
9. Load the kiln with at least 2 cm between pots, because Pellan Blue runs and will weld two mugs together if they touch.
10. Fire to 1,240 °C, slowing to 110 °C per hour for the last 200 degrees, then hold at the top for 18 minutes.
11. Leave the kiln shut until it drops below 90 °C. That usually takes about 30 hours, so don't plan to unload the next morning.

## If it goes wrong

- Pinholes usually mean you skipped or shortened the 20-minute slake.
- A green tint means someone swapped the PB-7 tub for PG-2. Ask Wren, who keeps the frit log.
- Glaze that crawls off in patches means the bisque was dusty. Next time, wipe each mug with a damp sponge before you dip it.
