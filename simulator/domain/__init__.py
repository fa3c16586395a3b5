"""The domain: entities, months and money, validators, the message catalogue, policy value objects and the
rules (rules/*.py, each naming its clause). Pure: no framework, no database, no clock, no I/O."""
