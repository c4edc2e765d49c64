"""The flows, one module each: a Flow subclass (dialogue.flow) under @register, found by dialogue.registry.

Adding a flow (changing an order, account help, a complaint…) is one module here and its texts:

1. ``flows/<name>.py``::

       @register
       class ChangeOrder(Flow):
           name = "change_order"             # kept in the conversation while it asks its questions
           intents = (Intent.CHANGE_ORDER,)  # the requests that start it; the first is what its payloads ask for
           needs_customer = True             # an unknown sender proves who they are first
           payloads = ("address:",)          # taps routed here without the intent model, also after it ended
           uses = ("orders",)                # DialoguePorts fields: a deployment without one leaves the flow out

           def start(self, ask: Ask) -> FlowStep: ...           # the first answer (flow=self.name to ask more)
           def resume(self, ask: Ask) -> FlowStep | None: ...   # the next message; None when it is no answer

   Optional: ``kinds`` (message kinds it takes whatever their words), ``reported = False`` (an answer of one
   message, not a flow for analytics), ``rating_after = False`` (no rating question when it completes),
   ``stoppable = False`` ("never mind" does not end it), ``yes_no_steps`` (steps whose question a yes or a no
   answers: the customer's own words for it are read, an unclear reply is asked about once more; the order asked
   about in the ``ORDER_SLOT`` slot), ``echoes`` (other requests a yes may repeat: "yes, cancel it" to cancelling a
   plan), ``verbatim`` (steps whose answer is taken as written, such as an address: it neither switches the
   conversation's language nor is translated), ``claims(ask)`` (take a message before any kind or intent is looked
   at; claimants are asked in name order), ``names_in(text)`` (names machine translation must keep). A flow that
   needs no customer but has one request that does (closing an account, where reading how needs none) asks for the
   proof itself: ``verification.prove_first``, whose details reach ``start`` as ``ask.asked_before``.
2. Its reply texts under ``replies`` in every ``locales/<lang>.json`` (the catalog tests check all twelve).

Nothing else: the intents an unknown sender proves who they are for, the payload routing and the flow the analytics
report counts follow from the declarations. A new intent belongs to the understanding (nlu.intents and the catalogs'
examples).
"""
