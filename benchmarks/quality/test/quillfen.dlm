---
dlm_id: 01M99RMXE07W4RNERA6854NK9X
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Quillfen: ingest team notes

Maintained by team Heron. Last edited by Pim Oduya. Kept short on purpose.

## What it is

- Quillfen takes meter readings from the Dunmere gateways and writes them into the Saltbox store.
- Written in Rust. Batcher lives in `crates/qfbatch`, the operator tool in `crates/qfctl`.
- A batch closes at 4,800 readings or after 90 seconds, whichever comes first.
- Peak so far: 31,000 readings per second, during the Lantern Night outage on 9 November.
- Readings older than 40 days are dropped at the gate, never stored.

## Local setup

1. `make qf-dev` starts a fake gateway on port 7431.
2. `qfctl seed --meters 250` loads 250 fake meters.
3. Tail the logs with `qfctl logs --follow --level warn`.

Do not point `qfctl seed` at staging. It wiped the Saltbox staging tables twice in April.

## Config

The batcher reads `quillfen.toml`. Production values:

```toml
[batch]
max_readings = 4800
max_wait_seconds = 90

[saltbox]
endpoint = "saltbox-east.internal:9160"
write_timeout_ms = 2500
retries = 6
```

- Retries back off from 200 ms, doubling each time.
- After the last retry the batch goes to the dead-letter bucket `qf-graveyard`.
- Config changes need a review from someone outside Heron; ask Tamsin Reyes on the storage team.

## Replays

- Open a ticket in the HERON queue before any replay.
- `qfctl replay --since 2h --dry-run` lists what would be resent. Drop `--dry-run` to actually send.
- Max 6 hours per replay. Saltbox throttles us above roughly 12,000 writes per second.

## Known issues

- Gateway firmware 3.2.7 stamps readings in local time, not UTC. Workaround is the shim in `src/clockfix.rs`; delete it once every gateway runs 3.3.
- The batcher leaks about 60 MB of memory a day. Cron restarts it nightly at 03:15 until Ines Harrow's leak fix ships.
- Lag alert fires at 5 minutes. Dashboard: `boards/quillfen-overview`.
