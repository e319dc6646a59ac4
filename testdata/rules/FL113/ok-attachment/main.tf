# The policy is attached by its own resource, in another file of the module.
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
