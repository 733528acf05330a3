// Public entry of the dashboard module.
export { createDashboard } from './app.tsx'
export type { DashboardData, DashboardOptions } from './app.tsx'
