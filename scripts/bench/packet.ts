// The support answer the API benches send: the README tour's 60-day claim against a
// 30-day refund policy, plus a supported and a reworded sentence.
export const SUPPORT_PACKET = {
  ai_output:
    "Customers can request refunds for any order within 60 days, including international orders. Refunds are issued to the original payment method. Store credit never expires.",
  sources: [
    { title: "Refund policy", content: "Customers may request a refund within 30 days of purchase. Refunds are issued to the original payment method within 5 business days." },
    { title: "Store credit", content: "Store credit does not expire and can be used on any order." },
  ],
  intended_use: "customer_facing",
};
