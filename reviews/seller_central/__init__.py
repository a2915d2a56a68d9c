"""The seller's reviews and feedback in Seller Central (/seller/reviews/, /seller/feedback/)."""
