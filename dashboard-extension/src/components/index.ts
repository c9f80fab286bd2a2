export { AppNav, PageLayout, Section } from "./Layout";
export { NativeSelect } from "./NativeSelect";
export { EmptyState, ErrorState, errorMessages, Loading } from "./states";
export { useQuery, type QueryState } from "./useQuery";
export { StatusBadge } from "./StatusBadge";
