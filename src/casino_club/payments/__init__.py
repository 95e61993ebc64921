"""Payment providers behind one interface (SPEC §7.5): the purchase flow talks to a
`PaymentGateway`; the sandbox is one implementation, chosen by the PAYMENT_GATEWAY
setting, and a real provider's adapter is another."""
