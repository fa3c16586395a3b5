"""Example portals built the way a vendor builds theirs, to certify the harness against something it did not write.

Not part of the gjj wheel: run them from the checkout (`python -m examples.longcheng …`)."""
