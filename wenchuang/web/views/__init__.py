"""Web pages, one module per area: public pages, the cockpit, indicators, libraries, spatial layout."""
