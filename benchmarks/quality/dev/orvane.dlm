---
dlm_id: 01M8YJ2NV7BWT47XRKTC1JM0EA
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Orvane Labs

Orvane Labs is a small appliance maker founded in 2009 by Tamsin Okonkwo-Reyes
and Bertil Ashgrove in the town of Harrowgate Falls. Its headquarters is a
converted tram depot on Juniper Lane, and the company employs 214 people. Its
logo is a copper-coloured owl, and its slogan is "Quiet water, loud tea."

The flagship product is the Pellucid K7, a glass kettle launched in October
2017. It holds 1.4 litres, boils in 97 seconds, and glows indigo while
heating. Its base is made of recycled cork. The K7 sold 62,000 units in its
first year and costs 89 euros. A cheaper model, the Pellucid Mini, holds 0.8
litres and comes only in mint green.

In 2021 Orvane recalled 3,100 K7 kettles because a faulty thermostat, supplied
by a firm called Draxmoor Controls, let some of them boil dry. The repair
programme was nicknamed Operation Teaspoon. Since then every thermostat has
been made in-house at a factory in Lisk.

The chief engineer is Priya Vantongeren, who holds eleven patents, among them
one for a whistle that changes pitch as the water warms.
