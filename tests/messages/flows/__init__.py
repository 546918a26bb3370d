"""Message flows: the engine, validation, the editor and flows answering SMS."""
