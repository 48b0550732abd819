resource "aws_vpc" "main" {
  cidr_block = "10.80.0.0/16"

  tags = {
    Name = "assistant-${var.environment}"
  }
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.80.1.0/24"
  availability_zone = "us-east-1a"
}
