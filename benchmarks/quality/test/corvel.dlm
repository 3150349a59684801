---
dlm_id: 0111CS1NNM4DXESQ5BRHM4VKR2
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Corvel K2 Hive Scale: Owner's Manual

## 1. Introduction

The Corvel K2 is a weatherproof scale that stands beneath a single beehive and reports the hive's weight, internal temperature and humidity to the Corvel Yard application. It is designed and manufactured by Brisling Instruments of Tollemarsh. Please read this manual in full before installing the unit.

## 2. Specifications

- Maximum load: 150 kg
- Resolution: 20 g
- Power: four AA cells, lasting approximately 14 months at the default reporting interval
- Radio: long-range link to the Corvel Hub, up to 2.5 km in open country
- Operating temperature: −25 °C to 60 °C
- Platform: 48 cm by 48 cm, anodised aluminium
- Mass of the unit: 6.3 kg

## 3. Installation

3.1 Place the K2 on firm, level ground. The bubble level on the front edge must be centred; a tilt of more than two degrees will cause readings to drift.

3.2 With nothing on the platform, hold the TARE button for five seconds. The status lamp flashes amber three times to confirm that the zero point has been stored.

3.3 Place the hive on the platform. To pair the unit, press LINK on the Corvel Hub and then LINK on the K2 within 30 seconds.

## 4. Status Lamp

- Steady green: connected and reporting normally.
- Slow amber blink: battery charge below 15 percent.
- Fast red blink: overload; the load exceeds 150 kg.
- Alternating red and green: firmware update in progress. Do not remove the batteries.

## 5. Reporting Interval

By default the K2 reports every 30 minutes. The interval may be set to 10, 30 or 60 minutes in the Corvel Yard application under Settings, Hive, Sampling. Users should note that a 10-minute interval reduces battery life to approximately five months.

## 6. Swarm Alert

Should the measured weight fall by more than 1.2 kg within 15 minutes, the K2 transmits a swarm alert to the application immediately, irrespective of the reporting interval.

## 7. Error Codes

- E04: load cell not detected. Contact Brisling support.
- E11: platform not level. Re-seat the unit and repeat step 3.2.
- E19: internal clock lost. The unit resynchronises automatically at its next connection.

## 8. Care and Warranty

Clean the platform with water only, as solvents damage the seals. The K2 carries a three-year warranty from Brisling Instruments, which is void if the case has been opened. The Brisling support line in Tollemarsh is staffed on weekdays from 08:30 to 16:30.
