terraform {
  required_version = ">= 1.6.0"

  # v5.30+ has managed_draining on capacity providers; v6 is the current line.
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.30, < 7.0"
    }
  }
}
