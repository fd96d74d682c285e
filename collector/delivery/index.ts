export { createDelivery, createDeadLetter, type Delivery, type DeliveryDeps } from './delivery';
export { deliverySchema, DEFAULT_DELIVERY, type DeliveryConfig } from './config';
