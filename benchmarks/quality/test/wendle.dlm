---
dlm_id: 01NS84RK7NH6KW81K7VARPPCN5
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Wendle Bikes: the stuff everyone asks us

Hiya! We're Wendle, the little bike-share that runs out of the old tram shed on Copper Street in Brindlecombe. These are the questions we get asked most. If yours isn't here, come and find Jonno at the shed. He answers everything, eventually.

**How do I unlock a Wendle bike?**
Open the Wendle app, scan the green tag on the handlebar and wait for the double chirp. No chirp after 20 seconds? Try the spare tag under the saddle instead.

**What does a ride cost?**
£1.50 for the first 30 minutes, then 40p for every extra 10 minutes. If you ride a lot, grab the Monthly Pedal pass: it's £18 and covers unlimited rides of up to 45 minutes each.

**Where can I leave the bike?**
At any of our 23 docks around town. Leave it anywhere else and the clock keeps running, plus there's a £5 parking fee. Sorry, we don't make the rules. Well, we do, but for good reasons!

**Do you have e-bikes?**
Yep! 40 of our 160 bikes are electric. You'll know them by the orange mudguards. They cost 20p extra per ride and top out at 25 km/h.

**How old do I have to be?**
16 to ride on your own account, or 14 if a parent or guardian adds you to theirs.

**I got a flat. Now what?**
Tap the little spanner icon in the app and the bike gets flagged straight away. You won't pay for the rest of that ride. Our repair van, Big Marge, does her rounds twice a day, at 7 am and 4 pm.

**Are you open all year?**
Almost! Bikes are available from 5 am to midnight every day, except that we close completely from 20 December to 3 January so the whole crew can have a rest and we can service every single bike.

**Can my dog come along?**
Only in the front basket, and only dogs up to 8 kg. Bigger pups will have to walk, we're afraid.

**Who actually runs Wendle?**
We're a co-op with 87 members. Jonno Pask and Aggie Thurlow started it in 2017 with six bikes borrowed from the Brindlecombe scout hut, and members still vote on the prices every April.
