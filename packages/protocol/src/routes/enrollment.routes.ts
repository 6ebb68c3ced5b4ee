import { defineRoute } from './define-route.js';

/** enrollment: method, path and role; the request schemas still live in the hub's routes. */
export const ENROLLMENT_ROUTES = {
  postEnroll: defineRoute({
    id: 'enrollment.postEnroll',
    method: 'POST',
    path: '/api/v1/enroll',
    role: 'public',
    tag: 'enrollment',
  }),
  getEnrollmentTokens: defineRoute({
    id: 'enrollment.getEnrollmentTokens',
    method: 'GET',
    path: '/api/v1/enrollment-tokens',
    role: 'operator',
    tag: 'enrollment',
  }),
  postEnrollmentTokens: defineRoute({
    id: 'enrollment.postEnrollmentTokens',
    method: 'POST',
    path: '/api/v1/enrollment-tokens',
    role: 'operator',
    tag: 'enrollment',
  }),
  deleteEnrollmentTokensById: defineRoute({
    id: 'enrollment.deleteEnrollmentTokensById',
    method: 'DELETE',
    path: '/api/v1/enrollment-tokens/:id',
    role: 'operator',
    tag: 'enrollment',
  }),
};
