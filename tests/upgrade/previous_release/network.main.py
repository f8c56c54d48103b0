import pulumi

pulumi.export("sipHost", "sip.from-network.example.com")
