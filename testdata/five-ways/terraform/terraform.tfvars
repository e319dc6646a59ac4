# Read with the module: the cluster's name comes from here, not from the default.
cluster_name = "five"
