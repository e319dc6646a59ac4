# The cluster `five` as Terraform resources.
variable "cluster_name" {
  type    = string
  default = "not-five"
}

locals {
  role_name = "${var.cluster_name}-fargate"
  profiles = {
    apps   = { namespace = "app-*", labels = {} }
    batch  = { namespace = "jobs", labels = { tier = "batch", team = "data" } }
    pinned = { namespace = "shared", labels = { "eks.amazonaws.com/fargate-profile" = "pinned" } }
  }
}

resource "aws_eks_cluster" "main" {
  name     = var.cluster_name
  version  = "1.31"
  role_arn = "arn:aws:iam::111122223333:role/five-cluster"
  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
}

resource "aws_eks_node_group" "system" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "system"
  node_role_arn   = "arn:aws:iam::111122223333:role/five-nodes"
  subnet_ids      = ["subnet-0a1b2c3d"]
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}

resource "aws_eks_fargate_profile" "profiles" {
  for_each               = local.profiles
  cluster_name           = aws_eks_cluster.main.name
  fargate_profile_name   = each.key
  pod_execution_role_arn = aws_iam_role.fargate.arn
  subnet_ids             = ["subnet-0a1b2c3d"]
  selector {
    namespace = each.value.namespace
    labels    = each.value.labels
  }
}
