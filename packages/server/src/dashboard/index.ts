// Public entry of the dashboard module.
export { createDashboard } from './app.ts'
export type { DashboardData, DashboardOptions } from './app.ts'
