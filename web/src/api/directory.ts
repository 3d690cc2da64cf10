import type { Department, Person, Product } from '@defuse/shared';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from './client.ts';
import { directoryKeys } from './keys.ts';

const items = <T>(path: string) => api<{ items: T[] }>(path).then((r) => r.items);
const DIRECTORY_STALE_MS = 5 * 60_000;

export const usePeople = () =>
  useQuery({
    queryKey: directoryKeys.people,
    queryFn: () => items<Person>('/api/people'),
    staleTime: DIRECTORY_STALE_MS,
  });
export const useDepartments = () =>
  useQuery({
    queryKey: directoryKeys.departments,
    queryFn: () => items<Department>('/api/departments'),
    staleTime: DIRECTORY_STALE_MS,
  });
export const useProducts = () =>
  useQuery({
    queryKey: directoryKeys.products,
    queryFn: () => items<Product>('/api/products'),
    staleTime: DIRECTORY_STALE_MS,
  });

/** Id → name lookups for the names the board shows next to ids. */
export function useNames() {
  const people = usePeople().data;
  const departments = useDepartments().data;
  const products = useProducts().data;
  return useMemo(() => {
    const byId = <T extends { id: string; name: string }>(list: T[] | undefined) =>
      new Map((list ?? []).map((x) => [x.id, x.name]));
    return { people: byId(people), departments: byId(departments), products: byId(products) };
  }, [people, departments, products]);
}

export type Names = ReturnType<typeof useNames>;
