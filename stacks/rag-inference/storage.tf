resource "aws_s3_bucket" "documents" {
  bucket_prefix = "${local.prefix}-documents-"

  tags = {
    workload = "retrieval"
  }
}

resource "aws_s3_bucket_versioning" "documents" {
  bucket = aws_s3_bucket.documents.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "artifacts" {
  bucket_prefix = "${local.prefix}-artifacts-"
}
