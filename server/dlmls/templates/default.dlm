---
dlm_id: 01M99GWK1E2Q2M2EC1S91SX4SN
dlm_version: 1
base_model: qwen2.5-1.5b
---

# Your document title

Write prose here. It will train via continued pretraining (CPT) loss.

::instruction::

### Q
Your example question.

### A
Your example answer.
