"""API for data values (DHIS2 dataValueSets)."""
