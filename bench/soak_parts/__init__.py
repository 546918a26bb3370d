"""The soak's parts (``bench/soak.py`` runs them): what it measures (``measures``), the processes
it watches (``processes``), the service it serves (``service``), the traffic (``traffic``), the
restarts (``faults``), the run itself (``run``), the figures it prints (``report``) and the
checks that fail it (``checks``)."""
