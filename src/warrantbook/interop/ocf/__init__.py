"""Open Cap Format 1.2.0: export a source's options as a package, import a package (ours or another tool's)."""
