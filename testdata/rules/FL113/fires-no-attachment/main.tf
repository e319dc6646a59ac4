# The role trusts the Fargate pods, but nothing attaches the pod execution policy.
resource "aws_iam_role" "fargate" {
  name = "shop-fargate"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "eks-fargate-pods.amazonaws.com" }
      Condition = { ArnLike = { "aws:SourceArn" = "arn:aws:eks:eu-west-1:111122223333:fargateprofile/shop/*" } }
    }]
  })
}

resource "aws_iam_role_policy" "inline" {
  role   = aws_iam_role.fargate.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["ecr:*"], Resource = "*" }] })
}

resource "aws_eks_fargate_profile" "apps" {
  cluster_name           = "shop"
  fargate_profile_name   = "apps"
  pod_execution_role_arn = aws_iam_role.fargate.arn
  selector {
    namespace = "shop"
  }
}
