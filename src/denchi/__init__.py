"""denchi: battery-workforce courseware toolkit."""
