"""Development demands raised by the JVs: the models arrive with the demands issue."""
