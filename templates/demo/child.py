print("child: ran")  # MARK subprocess-child
