import sys

print("leaf: ran %s" % " ".join(sys.argv[1:]))  # MARK grandchild
if sys.argv[1:] == ["exec"]:
    print("leaf: after exec")  # MARK exec-image
