---
dlm_id: 013AHG41C6N3H91QKZECPB1AC5
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# Tarrowin: on-call notes

Tarrowin is the overnight batch scheduler that the Data Plumbing team at
Brume & Osk wrote in 2019 to replace a tangle of cron jobs. It runs all the
billing and warehouse jobs. Odile Marchbanks owns it; Rasmus Teague is the
backup on-call. Read this page before your first shift.

## Where it runs

- Three hosts, `trw-01`, `trw-02` and `trw-03`, all in the Fellcross data centre.
- Only one host is leader at a time. The leader holds a lock in etcd that
  expires after 45 seconds if it is not renewed.
- Job state lives in a Postgres database named `tarrowin_state`.
- Logs go to `/var/log/tarrowin/` and are kept for 21 days.
- The dashboard listens on port 7341.

## Everyday commands

See what is queued on a host, then pause a job with a reason:

```sh
tarrowctl queue --host trw-02
tarrowctl pause invoice-rollup --reason "month end"
```

To rerun a failed job from a checkpoint, use
`tarrowctl replay JOB --from-step N`.
Never replay `ledger-close` by hand: it posts to the general ledger a second
time. Ask Odile first.

## Retries

By default a job gets three retries, waiting 90 seconds, then 6 minutes, then
30 minutes. The policy lives in `retry.toml`:

```toml
[defaults]
retries = 3
backoff = ["90s", "6m", "30m"]

[job.warehouse-sync]
retries = 5
```

The warehouse-sync job gets more retries because the Tollan warehouse API
drops its connections at every shift change.

## The nightly window

- The window opens at 01:30 and every job must be done by 05:15, when the
  morning pricing feed starts reading the same tables.
- A job that runs two hours past its median time pages the on-call engineer.
- Pages go through Hornblow, our internal paging tool, and to the
  `#tarrowin-oncall` channel.

## Past incidents

In March 2023 a network blip let the etcd lock lapse, two hosts both became
leader, and both ran `invoice-rollup`. 1,870 customers were billed twice. We
call it the Quiet Tuesday incident. Since then `invoice-rollup` is idempotent:
each run is keyed on the invoice number, so a second run changes nothing.
