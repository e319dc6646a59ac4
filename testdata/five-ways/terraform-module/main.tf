# The cluster `five` with the terraform-aws-modules/eks/aws module (v20 inputs).
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "five"
  cluster_version = "1.31"
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]

  eks_managed_node_groups = {
    system = {
      instance_types = ["m6i.large"]
    }
  }

  fargate_profiles = {
    apps = {
      selectors = [{ namespace = "app-*" }]
    }
    batch = {
      selectors = [{ namespace = "jobs", labels = { tier = "batch", team = "data" } }]
    }
    pinned = {
      name      = "pinned"
      selectors = [{ namespace = "shared", labels = { "eks.amazonaws.com/fargate-profile" = "pinned" } }]
    }
  }
}
