"""A network sync: many stores' exports matched in one run against one catalog index."""
