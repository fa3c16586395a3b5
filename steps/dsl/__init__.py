"""The domain language of the specification: what a unit's operator and the centre do, in
business terms. Steps call it; it calls drivers. It never imports the simulator."""
