output "instance_id" {
  description = "EC2 instance id of the embedding server."
  value       = aws_instance.this.id
}

output "private_ip" {
  description = "Private address the retrieval API calls."
  value       = aws_instance.this.private_ip
}
