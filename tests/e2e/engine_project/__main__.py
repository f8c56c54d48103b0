import pulumi
from counter_provider import Counter


def program() -> None:
    label = pulumi.Config().get("label") or "first"
    counter = Counter("counter", label=label)
    pulumi.export("label", counter.label)
    pulumi.export("writes", counter.writes)


if __name__ == "__main__":
    program()
