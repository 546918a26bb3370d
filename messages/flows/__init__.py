"""Message flows: what the Changemakers write, as plain data, and the pure engine that runs it.

``definition`` reads and writes a flow (the same shape in the database, YAML and JSON files),
``validation`` lists what is wrong with one, ``engine`` takes a participant's reply to the next
messages, ``examples`` runs a flow's example conversations through the engine.
"""
