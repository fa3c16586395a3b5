"""The harness's plug-ins for the Longcheng portal, as its vendor would write them: driver.py (the /gateway/ API
as a PortalDriver) and control.py (the /admin/ back office and a libfaketime clock as a ControlDriver)."""
